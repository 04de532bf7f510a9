"""The worker shell (``shell``), its loops, health routes, figures and settings."""
