"""The loyalty rules engine (客户忠诚计划): pure Python, no SimPy, no pandas.

>>> program = LoyaltyProgram.model_validate(yaml.safe_load(text)["loyalty"])
>>> engine = Engine(program, start_date=scenario.start_date, ledger=rows, tier_log=moves)
>>> account = Account(customer_id=7, birthday=dt.date(1990, 5, 14))
>>> engine.earn(account, day=12.4, amount=38.0, category="beans").explain()

Modules: schema (the validated section), engine (earning order, expiry, redemption),
earning (what one order earned and why), results (the other records the engine returns),
tiers (qualification and downgrade), accounting (liability, breakage, replay).
"""

from sim.loyalty.account import Account
from sim.loyalty.accounting import Totals, replay_tiers, totals
from sim.loyalty.earning import Earning
from sim.loyalty.engine import Engine, LoyaltyError
from sim.loyalty.results import Advance, ExpiredLot, Redemption, TierChange
from sim.loyalty.schema import (
    BirthdayRule,
    CapRule,
    CategoryRule,
    DateRangeRule,
    Downgrade,
    Expiry,
    LoyaltyProgram,
    Qualification,
    Reward,
    Tier,
    TierBenefits,
    TierRule,
    WeekdayRule,
)

__all__ = [
    "Account",
    "Advance",
    "BirthdayRule",
    "CapRule",
    "CategoryRule",
    "DateRangeRule",
    "Downgrade",
    "Earning",
    "Engine",
    "ExpiredLot",
    "Expiry",
    "LoyaltyError",
    "LoyaltyProgram",
    "Qualification",
    "Redemption",
    "Reward",
    "Tier",
    "TierBenefits",
    "TierChange",
    "TierRule",
    "Totals",
    "WeekdayRule",
    "replay_tiers",
    "totals",
]
