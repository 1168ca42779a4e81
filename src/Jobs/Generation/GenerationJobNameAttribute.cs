using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VideoStudio.Core;
using VideoStudio.Core.Data;

namespace VideoStudio.Jobs.Generation;

/// <summary>
/// "Generate long video · Sourdough starter in five days" in the dashboard, while the stored job holds only the generation id:
/// the title is looked up when the dashboard renders, never written into job arguments.
/// </summary>
public sealed class GenerationJobNameAttribute() : JobDisplayNameAttribute("Generate video · {0}")
{
    public override string Format(DashboardContext context, Job job)
    {
        if (job.Args.Count > 0 && job.Args[0] is Guid generationId && context is AspNetCoreDashboardContext aspNet)
        {
            var db = aspNet.HttpContext.RequestServices.GetRequiredService<StudioDb>();
            var found = db.VideoGenerations.AsNoTracking()
                .Where(g => g.Id == generationId)
                .Join(db.Content, g => g.ContentId, c => c.Id, (g, c) => new { g.Slot, c.Title })
                .SingleOrDefault();
            if (found is not null)
            {
                return $"Generate {found.Slot.Key()} video · {found.Title}";
            }
        }
        return base.Format(context, job);
    }
}
