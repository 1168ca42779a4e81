using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VideoStudio.Core.Data;

public static class StudioDataExtensions
{
    public const string ConnectionName = "Studio";

    public static string StudioConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set. ./run.sh sets it; see README.md.");

    public static void UseStudioDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.MigrationsAssembly("VideoStudio.Migrations"))
            .UseSnakeCaseNamingConvention();

    public static WebApplicationBuilder AddStudioData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.StudioConnectionString();
        builder.Services.AddDbContext<StudioDb>(o => o.UseStudioDatabase(connectionString));
        builder.Services.AddDataProtection()
            .SetApplicationName("VideoStudio")
            .PersistKeysToDbContext<StudioDb>();
        return builder;
    }
}
