"""Optional sections of a scenario (service desk, shocks, ...): their typed models.

Each is off when absent from the scenario file. The models share `base.Section`, which
forbids unknown keys so a typo is reported with a "did you mean" hint.
"""

# The scenario blocks that can touch a customer between their orders. With all of them
# off a shopper's whole life is settled at once (sim.world.customers.settle), a path far
# lighter on time and memory (sim.runsize counts it apart).
SHARED_SECTIONS = ("loyalty", "service", "outreach", "surveys", "shocks")
