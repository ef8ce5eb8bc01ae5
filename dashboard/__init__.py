"""Pantau's Streamlit app: entry point, shared shell, message catalogue, cached data access."""
