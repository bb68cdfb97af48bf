namespace Geo.Core.Data.Sql;

// Since migration LiveLoop the trigger function writes to the change feed instead of NOTIFY (ChangeFeedSql); the
// triggers, the payload and the topic name below are unchanged.

/// <summary>Incident change notifications, on the database side: statement-level triggers (one NOTIFY per
/// statement, so a bulk insert or the SLA job's sweep sends one message) publish the changed case ids on
/// <see cref="Channel"/> as a comma-separated list, or "*" when a statement touched more than 200 cases.
/// Every writer is covered (the API, Open311, sensor alarms, jobs, another app instance, psql), which an
/// in-process event could not promise; the web host's IncidentFeed listens and pushes to open maps.</summary>
public static class IncidentTriggers
{
    public const string Channel = "geo_incidents";

    public const string Create = $"""
        CREATE OR REPLACE FUNCTION geo_incidents_notify() RETURNS trigger LANGUAGE plpgsql AS $f$
        DECLARE ids text;
        BEGIN
            SELECT CASE WHEN count(*) > 200 THEN '*' ELSE string_agg(id::text, ',') END INTO ids FROM changed;
            IF ids IS NOT NULL THEN PERFORM pg_notify('{Channel}', ids); END IF;
            RETURN NULL;
        END $f$;
        CREATE TRIGGER incidents_notify_insert AFTER INSERT ON incidents
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION geo_incidents_notify();
        CREATE TRIGGER incidents_notify_update AFTER UPDATE ON incidents
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION geo_incidents_notify();
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS incidents_notify_insert ON incidents;
        DROP TRIGGER IF EXISTS incidents_notify_update ON incidents;
        DROP FUNCTION IF EXISTS geo_incidents_notify();
        """;
}
