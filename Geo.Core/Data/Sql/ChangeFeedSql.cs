namespace Geo.Core.Data.Sql;

/// <summary>The change feed (outbox): triggers write one sequence-numbered row per statement into
/// <c>change_feed</c> in the writer's own transaction, so a change and its announcement commit together or not
/// at all. No NOTIFY: PostgreSQL serialises the commits of every transaction that notified (a global lock held
/// through commit), which capped case intake; readers poll the feed instead (see Geo.Core.Live.ChangeFeed).
/// Each row carries the writer's transaction id (<c>xid8</c>); a reader takes the rows of the transactions that became
/// visible since its last snapshot, so a row is delivered when its transaction commits, once.</summary>
public static class ChangeFeedSql
{
    public static string Create => $$"""
        CREATE TABLE change_feed (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 64),
            payload text NOT NULL,
            at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX ix_change_feed_position ON change_feed (xid, seq);
        CREATE INDEX ix_change_feed_at ON change_feed (at);

        CREATE OR REPLACE FUNCTION geo_publish(p_topic text, p_payload text) RETURNS void LANGUAGE sql AS $f$
            INSERT INTO change_feed (topic, payload) VALUES (p_topic, p_payload)
        $f$;

        {{TriggerFunctions("geo_publish")}}
        """;

    /// <summary>Back to the NOTIFY triggers of the earlier migrations.</summary>
    public static string Drop => $$"""
        {{TriggerFunctions("pg_notify")}}
        DROP FUNCTION IF EXISTS geo_publish(text, text);
        DROP TABLE IF EXISTS change_feed;
        """;

    /// <summary>The incident and tile trigger functions, publishing through <paramref name="publish"/>: <c>geo_publish</c>
    /// (the feed) or <c>pg_notify</c> (what the earlier migrations had).</summary>
    private static string TriggerFunctions(string publish) => $$"""
        CREATE OR REPLACE FUNCTION geo_incidents_notify() RETURNS trigger LANGUAGE plpgsql AS $f$
        DECLARE ids text;
        BEGIN
            SELECT CASE WHEN count(*) > 200 THEN '*' ELSE string_agg(id::text, ',') END INTO ids FROM changed;
            IF ids IS NOT NULL THEN PERFORM {{publish}}('geo_incidents', ids); END IF;
            RETURN NULL;
        END $f$;

        CREATE OR REPLACE FUNCTION geo_notify_tiles() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            e box2d;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                SELECT ST_Extent(geom) INTO e FROM new_rows;
            ELSIF TG_OP = 'DELETE' THEN
                SELECT ST_Extent(geom) INTO e FROM old_rows;
            ELSE
                SELECT ST_Extent(g) INTO e FROM (SELECT geom AS g FROM new_rows UNION ALL SELECT geom FROM old_rows) s;
            END IF;
            IF e IS NOT NULL THEN
                PERFORM {{publish}}('geo_tiles', format('%s %s %s %s %s', TG_TABLE_NAME, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)));
            END IF;
            RETURN NULL;
        END
        $fn$;
        """;
}
