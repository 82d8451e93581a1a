"""Placeholder replaced by the browser harness."""
