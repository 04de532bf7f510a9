"""Context: caller resolution, custom parameters and opt-in storage (not built yet)."""
