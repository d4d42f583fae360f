"""Intake bundles: the ZIP archives that the anonymous reporting line exports."""
