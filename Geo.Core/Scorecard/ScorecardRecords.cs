using Geo.Core.Common;
using Npgsql;

namespace Geo.Core.Scorecard;

/// <summary>What admins enter by hand: organisational indicators with their evidence, and resident surveys (the
/// perception dimension), each against a district, town or community by code. The card served from memory is
/// invalidated after each, so the next read includes it.</summary>
public sealed class ScorecardRecords(NpgsqlDataSource db, ScorecardProvider cards)
{
    public async Task<long> AddRecordAsync(string indicatorId, string? regionCode, bool passed, double? value, string evidence,
        DateOnly recordedOn, string recordedBy, CancellationToken ct = default)
    {
        var region = await RegionAsync(regionCode, ct);
        var id = await ScorecardStore.AddRecordAsync(db, indicatorId, region, passed, value, evidence, recordedOn, recordedBy, ct);
        cards.Invalidate();
        return id;
    }

    public async Task<long> AddSurveyAsync(string? regionCode, double meanRating, int respondents, DateOnly surveyedOn, string enteredBy,
        CancellationToken ct = default)
    {
        var region = await RegionAsync(regionCode, ct);
        var id = await ScorecardStore.AddSurveyAsync(db, region, meanRating, respondents, surveyedOn, enteredBy, ct);
        cards.Invalidate();
        return id;
    }

    private async Task<long> RegionAsync(string? code, CancellationToken ct) =>
        await ScorecardStore.RegionIdAsync(db, code ?? "", ct) ?? throw GeoException.BadInput("region_code", "no district, town or community with this code");
}
