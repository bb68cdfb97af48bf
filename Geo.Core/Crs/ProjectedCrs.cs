using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Geo.Core.Crs;

/// <summary>The projected CRSs Geo supports, defined by WKT in code (no EPSG database, no network),
/// each as a pair of ProjNet math transforms between WGS84 lon/lat degrees and projected metres.</summary>
/// <remarks>
/// Each projection is built from its own geographic CRS straight to the projected CRS, so ProjNet
/// inserts no datum shift. That is deliberate: EPSG:3857 is defined on WGS84 lon/lat, UTM 50N is
/// WGS84 anyway, and for EPSG:4548 we treat CGCS2000 lon/lat as WGS84 lon/lat (see
/// <see cref="CrsTransform"/> for why), which is also what PROJ does (a "ballpark", null transformation).
///
/// The transforms are built once and shared by all threads. ProjNet's map projections hold readonly
/// constants computed in their constructors plus a lazily created inverse and a mutating Invert();
/// so the inverse is created here eagerly and Invert() is never called. CrsTransformTests checks
/// concurrent use against sequential results.
/// </remarks>
internal sealed class ProjectedCrs
{
    private const string Wgs84Geogcs =
        """GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]""";

    // Spherical ("Pseudo") Mercator on WGS84 lon/lat with R = a; ProjNet recognises the projection
    // name and ignores the ellipsoid's flattening, as EPSG method 1024 requires.
    private const string WebMercatorWkt =
        """PROJCS["WGS 84 / Pseudo-Mercator",""" + Wgs84Geogcs + ""","""
        + """PROJECTION["Popular Visualisation Pseudo-Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",0],"""
        + """PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","3857"]]""";

    // CGCS2000 / 3-degree Gauss-Kruger CM 117E. The EPSG definition lists northing first; Geo's axis
    // order is always easting, northing, so no AXIS clause (ProjNet's default is east, north).
    private const string Gk117Wkt =
        """PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 117E",GEOGCS["China Geodetic Coordinate System 2000","""
        + """DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],"""
        + """PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],"""
        + """PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],"""
        + """PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],"""
        + """UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","4548"]]""";

    private const string Utm50NWkt =
        """PROJCS["WGS 84 / UTM zone 50N",""" + Wgs84Geogcs + ""","""
        + """PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],"""
        + """PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],"""
        + """UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","32650"]]""";

    public static ProjectedCrs WebMercator { get; } = new(SupportedCrs.WebMercator, WebMercatorWkt);
    public static ProjectedCrs Gk117 { get; } = new(SupportedCrs.Cgcs2000Gk117, Gk117Wkt);
    public static ProjectedCrs Utm50N { get; } = new(SupportedCrs.Utm50N, Utm50NWkt);

    private ProjectedCrs(string code, string wkt)
    {
        Code = code;
        var pcs = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(wkt);
        Forward = new CoordinateTransformationFactory().CreateFromCoordinateSystems(pcs.GeographicCoordinateSystem, pcs).MathTransform;
        Inverse = Forward.Inverse();
    }

    public string Code { get; }

    /// <summary>lon/lat degrees → easting/northing metres.</summary>
    public MathTransform Forward { get; }

    /// <summary>easting/northing metres → lon/lat degrees.</summary>
    public MathTransform Inverse { get; }

    /// <summary>The projected CRS for a canonical code, or null for the geographic and offset systems.</summary>
    public static ProjectedCrs? For(string code) => code switch
    {
        SupportedCrs.WebMercator => WebMercator,
        SupportedCrs.Cgcs2000Gk117 => Gk117,
        SupportedCrs.Utm50N => Utm50N,
        _ => null,
    };
}
