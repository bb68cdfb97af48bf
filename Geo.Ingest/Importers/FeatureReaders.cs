namespace Geo.Ingest.Importers;

/// <summary>Picks the reader for a path by its extension (a folder is a Shapefile folder).</summary>
public static class FeatureReaders
{
    public static IFeatureReader Open(ImportOptions o)
    {
        if (Directory.Exists(o.Path)) return new ShapefileFeatureReader(o.Path, o.Encoding);
        if (!File.Exists(o.Path)) throw new ImportException($"no such file: {o.Path}");
        return Path.GetExtension(o.Path).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => new GeoJsonFeatureReader(o.Path),
            ".csv" or ".tsv" or ".txt" => new CsvFeatureReader(o.Path, o.Encoding),
            ".shp" or ".zip" => new ShapefileFeatureReader(o.Path, o.Encoding),
            ".gpkg" => new GeoPackageFeatureReader(o.Path, o.Layer),
            var ext => throw new ImportException($"unsupported file type '{ext}': expected .geojson/.json, .csv, .shp, .zip (Shapefile) or .gpkg"),
        };
    }
}
