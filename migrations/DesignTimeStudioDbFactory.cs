using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VideoStudio.Core.Data;

namespace VideoStudio.Migrations;

/// <summary>Lets `dotnet ef` build the model without starting the web host; no connection is opened.</summary>
public sealed class DesignTimeStudioDbFactory : IDesignTimeDbContextFactory<StudioDb>
{
    public StudioDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<StudioDb>();
        options.UseStudioDatabase("Host=localhost;Database=videostudio_design");
        return new StudioDb(options.Options);
    }
}
