"""Views over telemetry and schedules: matplotlib drawings, and live ipywidgets in notebooks."""
