-- The step-by-step table of BENCHMARKS.md (2026-12-08, tiles): each z15/z16 tile variant as a SQL function, timed one
-- client over 25 tiles around the bench centres. Run on the bench database after ./geo bench tiles:
--   psql -h 127.0.0.1 -p $GEO_PG_PORT -U postgres -d geo_bench -f Geo.Bench/tiles-steps.sql
\timing off
CREATE TEMP TABLE tl AS
SELECT DISTINCT z, geo_cell_x(c.lon + d.dx, z) AS x, geo_cell_y(c.lat + d.dy, z) AS y
FROM (VALUES (116.656, 39.909), (116.700, 39.905), (116.720, 39.880), (116.630, 39.870), (116.680, 39.940)) c(lon, lat),
     (VALUES (-0.012, -0.01), (0, 0), (0.012, 0.01), (0.012, -0.01), (-0.012, 0.01)) d(dx, dy), (VALUES (15), (16)) zz(z);

-- (a) before: one feature per asset with id, kind, name, status, synthetic
CREATE FUNCTION pg_temp.v_a(int, int, int) RETURNS bytea LANGUAGE sql AS $$
SELECT COALESCE((SELECT ST_AsMVT(t, 'assets', 4096, 'geom', 'fid') FROM (
    SELECT a.id AS fid, a.id, a.kind, a.name, a.status, a.synthetic,
           ST_AsMVTGeom(ST_Transform(a.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM assets a WHERE a.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 0.015625), 4326) AND a.kind NOT IN ('camera', 'sensor')
) t WHERE t.geom IS NOT NULL), ''::bytea) $$;
-- (b) fewer attributes: one feature per asset, feature id + kind + synthetic only
CREATE FUNCTION pg_temp.v_b(int, int, int) RETURNS bytea LANGUAGE sql AS $$
SELECT COALESCE((SELECT ST_AsMVT(t, 'assets', 4096, 'geom', 'fid') FROM (
    SELECT a.id AS fid, a.kind, a.synthetic,
           ST_AsMVTGeom(ST_Transform(a.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM assets a WHERE a.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 0.015625), 4326) AND a.kind NOT IN ('camera', 'sensor')
) t WHERE t.geom IS NOT NULL), ''::bytea) $$;
-- (c) 8-pixel clusters computed from assets on the fly (no summary table)
CREATE FUNCTION pg_temp.v_c(int, int, int) RETURNS bytea LANGUAGE sql AS $$
SELECT COALESCE((SELECT ST_AsMVT(t, 'assets', 4096, 'geom', 'fid') FROM (
    SELECT CASE WHEN count(*) = 1 THEN min(a.id) END AS fid, a.kind, count(*)::int AS count, bool_or(a.synthetic) AS synthetic,
           ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(a.geom)), avg(ST_Y(a.geom))), 4326), 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM assets a WHERE a.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AND a.kind NOT IN ('camera', 'sensor')
    GROUP BY a.kind, geo_cell_x(ST_X(a.geom), $1 + 5), geo_cell_y(ST_Y(a.geom), $1 + 5)
) t WHERE t.geom IS NOT NULL), ''::bytea) $$;

CREATE FUNCTION pg_temp.bench(v text, zz int) RETURNS TABLE (variant text, z int, tiles int, ms_per_tile numeric, median_kib numeric, p95_kib numeric) LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz; sizes int[] := '{}'; b bytea; n int := 0;
BEGIN
  t0 := clock_timestamp();
  FOR r IN SELECT * FROM tl WHERE tl.z = zz LOOP
    EXECUTE format('SELECT pg_temp.%I($1, $2, $3)', v) INTO b USING r.z, r.x, r.y;
    sizes := sizes || length(b); n := n + 1;
  END LOOP;
  RETURN QUERY SELECT v, zz, n, round((extract(epoch FROM clock_timestamp() - t0) * 1000 / n)::numeric, 2),
    round((SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s) FROM unnest(sizes) s) / 1024.0, 1),
    round((SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY s) FROM unnest(sizes) s) / 1024.0, 1);
END $$;
-- (d) the endpoint's query: 8-pixel clusters from the asset_cells summary by primary key
CREATE FUNCTION pg_temp.v_d(int, int, int) RETURNS bytea LANGUAGE sql AS $$
SELECT COALESCE((SELECT ST_AsMVT(t, 'assets', 4096, 'geom', 'fid') FROM (
    SELECT CASE WHEN sum(c.n) = 1 THEN sum(c.sid)::bigint END AS fid, c.kind, sum(c.n)::integer AS count, sum(c.ns) > 0 AS synthetic,
           ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(sum(c.sx) / sum(c.n), sum(c.sy) / sum(c.n)), 4326), 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM asset_cells c
    WHERE c.t = ANY (ARRAY(SELECT ((($2 * s + dx)::bigint << 16) | ($3 * s + dy)) FROM (SELECT 1 << (16 - $1) AS s) q, generate_series(0, s - 1) dx, generate_series(0, s - 1) dy))
      AND c.n > 0 AND c.kind NOT IN ('camera', 'sensor')
    GROUP BY c.kind, c.x >> (16 - $1), c.y >> (16 - $1)
) t WHERE t.geom IS NOT NULL), ''::bytea) $$;
SELECT * FROM pg_temp.bench('v_a', 15) UNION ALL SELECT * FROM pg_temp.bench('v_b', 15) UNION ALL SELECT * FROM pg_temp.bench('v_c', 15) UNION ALL SELECT * FROM pg_temp.bench('v_d', 15)
UNION ALL SELECT * FROM pg_temp.bench('v_a', 16) UNION ALL SELECT * FROM pg_temp.bench('v_b', 16) UNION ALL SELECT * FROM pg_temp.bench('v_c', 16) UNION ALL SELECT * FROM pg_temp.bench('v_d', 16);
