"""Maps for Pantau: boundaries, their repair, the join to the election's regions, generalisation
for display and folium choropleths that work offline. Never queries a database, never imports
streamlit: the dashboard passes data in and renders what comes out. See geo/README.md."""

from geo.boundaries import BoundariesUnavailable, discover_sources, load_boundaries
from geo.choropleth import MapLabels, build_map, clicked_region_code, values_without_region
from geo.join import JoinReport, JoinResult, join_regions
from geo.layers import display_layer, election_layer
from geo.repair import RepairReport

__all__ = [
    "BoundariesUnavailable",
    "JoinReport",
    "JoinResult",
    "MapLabels",
    "RepairReport",
    "build_map",
    "clicked_region_code",
    "discover_sources",
    "display_layer",
    "election_layer",
    "join_regions",
    "load_boundaries",
    "values_without_region",
]
