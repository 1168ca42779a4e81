using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace VideoStudio.Web.Pages.Invitations;

/// <summary>
/// The secret part of an invitation link. Only its SHA-256 is stored, so a copy of the database cannot be used to join;
/// 256 random bits make a fast hash enough (no salt or stretching is needed against guessing).
/// </summary>
public static class InvitationToken
{
    public static (string Token, string Hash) New()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string Path(string token) => "/invitations/" + token;
}
