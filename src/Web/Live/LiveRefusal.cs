namespace VideoStudio.Web.Live;

/// <summary>Why a stream may not go on: its session ended, or its reader may no longer see what it shows.</summary>
public enum LiveRefusal { SignedOut, NoAccess }
