"""Optional sections of a scenario (service desk, shocks, ...): their typed models.

Each is off when absent from the scenario file. The models share `base.Section`, which
forbids unknown keys so a typo is reported with a "did you mean" hint.
"""
