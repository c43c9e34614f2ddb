"""BG/NBD (Fader, Hardie and Lee 2005) and Gamma-Gamma spend models, fitted by maximum likelihood.

Likelihoods are written in log space (gammaln, betaln, logaddexp) and optimised over the
log-parameters with scipy, so big frequencies and many one-time buyers neither overflow nor
produce NaN. A fit that cannot converge raises `FitError` saying what to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from sim.i18n import _

# log-parameters beyond this are "running off to infinity": the data cannot pin them down
_LOG_BOUND = 12.0


class FitError(RuntimeError):
    """A BTYD model could not be fitted; the message says what to check in the data."""


def _arrays(*columns) -> list[np.ndarray]:
    return [np.asarray(c, dtype=float).ravel() for c in columns]


def _check_rft(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
    """Reject inputs that are not a BTYD summary (the usual cause of a failed fit)."""
    if not (len(x) == len(t_x) == len(T)) or len(x) == 0:
        raise FitError(_("frequency, recency and T must be non-empty and of equal length"))
    if not np.isfinite(np.r_[x, t_x, T]).all():
        raise FitError(_("frequency, recency or T hold NaN/inf: drop or fill those customers"))
    if (x < 0).any() or (t_x < 0).any() or (T < 0).any():
        raise FitError(
            _(
                "frequency, recency and T must be >= 0: check observation_end is after every "
                "first purchase"
            )
        )
    if (t_x > T + 1e-9).any():
        raise FitError(_("recency > T for some customers: recency and T must use the same unit"))
    if ((x > 0) & (t_x <= 0)).any():
        raise FitError(
            _(
                "customers with repeat purchases but recency 0: frequency should count repeat "
                "purchase periods (see rfm_summary)"
            )
        )


@dataclass
class BGNBD:
    """Beta-geometric/NBD model: purchase rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b).

    `fit(frequency, recency, T)` returns self with `.params` {r, alpha, a, b} and
    `.standard_errors` (from the observed information matrix).
    """

    params: dict[str, float] = field(default_factory=dict)
    standard_errors: dict[str, float] = field(default_factory=dict)
    log_likelihood: float = float("nan")

    names = ("r", "alpha", "a", "b")

    # ------------------------------------------------------------------ likelihood

    @staticmethod
    def _loglik_terms(theta: np.ndarray, x, t_x, T, grad: bool = False):
        """Per-customer log-likelihood (and its gradient in the log-parameters)."""
        r, alpha, a, b = np.exp(theta)
        has = x > 0
        bx1 = np.where(has, b + x - 1, 1.0)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = betaln(a, b + x) - betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        a4 = np.log(a) - np.log(bx1) - (r + x) * np.log(alpha + t_x)
        ll = a1 + a2 + np.where(has, np.logaddexp(a3, a4), a3)
        if not grad:
            return ll
        w = np.where(has, expit(a4 - a3), 0.0)  # weight of the "dropped out" branch
        d_r = (
            digamma(r + x)
            - digamma(r)
            + np.log(alpha)
            - (1 - w) * np.log(alpha + T)
            - w * np.log(alpha + t_x)
        )
        d_alpha = r / alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + t_x))
        ab = digamma(a + b) - digamma(a + b + x)
        d_a = ab + w / a
        d_b = ab + digamma(b + x) - digamma(b) - w / bx1
        g = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b], axis=1)
        return ll, g

    def _negll(self, theta, x, t_x, T, weights):
        ll, g = self._loglik_terms(theta, x, t_x, T, grad=True)
        n = weights.sum()
        return -(weights @ ll) / n, -(weights @ g) / n

    # ------------------------------------------------------------------ fitting

    def fit(self, frequency, recency, T, weights=None) -> BGNBD:
        """Maximum-likelihood fit; `weights` counts identical customers (default 1 each)."""
        x, t_x, TT = _arrays(frequency, recency, T)
        _check_rft(x, t_x, TT)
        if not (x > 0).any():
            raise FitError(
                _(
                    "no customer has a repeat purchase: dropout (a, b) cannot be estimated; "
                    "observe longer or check that frequency counts repeat purchases"
                )
            )
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        # identical (x, t_x, T) rows share one likelihood evaluation
        key = np.stack([x, t_x, TT], axis=1)
        uniq, inverse = np.unique(key, axis=0, return_inverse=True)
        if len(uniq) < 0.7 * len(x):
            w = np.bincount(inverse.ravel(), weights=w)
            x, t_x, TT = uniq.T
        scale = max(float(np.mean(TT)), 1e-9)
        starts = [
            np.log([1.0, scale, 1.0, 1.0]),
            np.log([0.5, scale / max(np.mean(x), 0.1), 1.0, 5.0]),
            np.zeros(4),
        ]
        best = None
        for start in starts:
            with np.errstate(all="ignore"):
                res = minimize(
                    self._negll,
                    start,
                    args=(x, t_x, TT, w),
                    jac=True,
                    method="L-BFGS-B",
                    bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
                    options={"maxiter": 2000, "gtol": 1e-10, "ftol": 1e-14},
                )
            if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                best = res
            if res.success and np.isfinite(res.fun) and (np.abs(res.x) < _LOG_BOUND - 1).all():
                break  # converged inside the bounds: the other starts are only a fallback
        if best is None or not np.isfinite(best.x).all():
            raise FitError(
                _(
                    "BG/NBD likelihood was not finite at any starting point: check for extreme "
                    "values of T (use weeks rather than days for long histories)"
                )
            )
        at_bound = np.abs(best.x) >= _LOG_BOUND - 1e-3
        if at_bound.any():
            which = ", ".join(n for n, hit in zip(self.names, at_bound, strict=True) if hit)
            raise FitError(
                _(
                    "BG/NBD parameter(s) {which} ran off to the bound: the data cannot identify "
                    "them. Check for too few repeat buyers, a too-short observation window, or "
                    "T and recency in inconsistent units",
                    which=which,
                )
            )
        self.params = dict(zip(self.names, np.exp(best.x).tolist(), strict=True))
        self.log_likelihood = float(-best.fun * w.sum())
        self.standard_errors = self._standard_errors(best.x, x, t_x, TT, w)
        return self

    def _standard_errors(self, theta, x, t_x, T, w) -> dict[str, float]:
        """Delta-method standard errors from a finite-difference Hessian of the log-lik."""
        h = 1e-5
        n = w.sum()
        hess = np.empty((4, 4))
        for i in range(4):
            e = np.zeros(4)
            e[i] = h
            gp = self._negll(theta + e, x, t_x, T, w)[1]
            gm = self._negll(theta - e, x, t_x, T, w)[1]
            hess[i] = (gp - gm) / (2 * h) * n
        hess = (hess + hess.T) / 2
        try:
            cov = np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            return dict.fromkeys(self.names, float("nan"))
        se_log = np.sqrt(np.clip(np.diag(cov), 0, None))
        return dict(zip(self.names, (se_log * np.exp(theta)).tolist(), strict=True))

    # ------------------------------------------------------------------ predictions

    def _p(self) -> tuple[float, float, float, float]:
        if not self.params:
            raise FitError(
                _("the model is not fitted yet: call {call}", call="fit(frequency, recency, T)")
            )
        p = self.params
        return p["r"], p["alpha"], p["a"], p["b"]

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability each customer is still active at T, given their history."""
        r, alpha, a, b = self._p()
        x, t_x, TT = _arrays(frequency, recency, T)
        has = x > 0
        log_odds = (
            np.log(a)
            - np.log(np.where(has, b + x - 1, 1.0))
            + (r + x) * (np.log(alpha + TT) - np.log(alpha + t_x))
        )
        return np.where(has, expit(-log_odds), 1.0)

    def expected_purchases_new(self, t) -> np.ndarray:
        """Expected repeat purchases in (0, t] of a customer just acquired (FHL eq. 7)."""
        r, alpha, a, b = self._p()
        a = a if abs(a - 1) > 1e-8 else 1 + 1e-8
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        # Euler's transformation keeps every power bounded
        f = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b - 1, z)
        return (a + b - 1) / (a - 1) * (1 - f)

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected purchases in (T, T + t] given each customer's history (FHL eq. 10)."""
        r, alpha, a, b = self._p()
        a = a if abs(a - 1) > 1e-8 else 1 + 1e-8
        x, t_x, TT = _arrays(frequency, recency, T)
        t = np.asarray(t, dtype=float)
        z = t / (alpha + TT + t)
        f = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        first = (a + b + x - 1) / (a - 1) * (1 - f)
        return first * self.p_alive(x, t_x, TT)

    def simulate(self, T, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw (frequency, recency) for customers observed for T under this model."""
        r, alpha, a, b = self._p()
        TT = np.asarray(T, dtype=float)
        lam = rng.gamma(r, 1 / alpha, len(TT))
        p = rng.beta(a, b, len(TT))
        x = np.zeros(len(TT))
        t_x = np.zeros(len(TT))
        now = np.zeros(len(TT))
        alive = np.ones(len(TT), dtype=bool)
        while alive.any():
            now[alive] += rng.exponential(1 / np.maximum(lam[alive], 1e-12))
            buy = alive & (now <= TT)
            x[buy] += 1
            t_x[buy] = now[buy]
            leave = rng.random(len(TT)) < p
            alive = buy & ~leave
        return x, t_x


@dataclass
class GammaGamma:
    """Gamma-Gamma spend model: a customer's mean spend varies as ν ~ Gamma(q, γ) across
    customers, each purchase ~ Gamma(p, ν). Fit on customers with frequency > 0."""

    params: dict[str, float] = field(default_factory=dict)
    standard_errors: dict[str, float] = field(default_factory=dict)

    names = ("p", "q", "v")

    @staticmethod
    def _negll(theta, x, m):
        p, q, v = np.exp(theta)
        px = p * x
        ll = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(x * m + v)
        )
        return -ll.mean()

    def fit(self, frequency, monetary_value) -> GammaGamma:
        """Maximum-likelihood fit on the customers with frequency > 0 and positive spend."""
        x, m = _arrays(frequency, monetary_value)
        keep = (x > 0) & (m > 0) & np.isfinite(m)
        if keep.sum() < 3:
            raise FitError(
                _(
                    "Gamma-Gamma needs customers with repeat purchases and positive "
                    "monetary_value: fewer than 3 found"
                )
            )
        x, m = x[keep], m[keep]
        start = np.log([1.0, 1.0, float(np.mean(m))])
        with np.errstate(all="ignore"):
            res = minimize(
                self._negll,
                start,
                args=(x, m),
                method="L-BFGS-B",
                bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
            )
            res = minimize(
                self._negll,
                res.x,
                args=(x, m),
                method="Nelder-Mead",
                options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 5000},
            )
        if not np.isfinite(res.fun) or (np.abs(res.x) >= _LOG_BOUND - 1e-3).any():
            raise FitError(
                _(
                    "Gamma-Gamma fit did not converge: check monetary_value is the mean of "
                    "repeat purchases (not the total) and that spend is not constant"
                )
            )
        self.params = dict(zip(self.names, np.exp(res.x).tolist(), strict=True))
        return self

    def expected_spend(self, frequency, monetary_value) -> np.ndarray:
        """Expected mean spend per purchase for each customer (shrunk towards the mean)."""
        if not self.params:
            raise FitError(
                _("the model is not fitted yet: call {call}", call="fit(frequency, monetary_value)")
            )
        p, q, v = (self.params[k] for k in self.names)
        x, m = _arrays(frequency, monetary_value)
        population = p * v / (q - 1) if q > 1 else np.nan
        weight = p * x / (p * x + q - 1)
        return weight * m + (1 - weight) * population


def clv(
    model: BGNBD,
    spend,
    frequency,
    recency,
    T,
    horizon: float,
    step: float = 1.0,
    discount_rate: float = 0.0,
    margin: float = 1.0,
) -> np.ndarray:
    """Discounted margin of each customer's expected purchases over the next `horizon`.

    Time is in the model's unit; purchases expected in each `step` are discounted at
    `discount_rate` per step and valued at `spend` (e.g. GammaGamma.expected_spend) × margin.
    """
    steps = np.arange(1, int(np.ceil(horizon / step)) + 1) * step
    steps[-1] = horizon
    total = np.zeros(len(np.atleast_1d(np.asarray(frequency))))
    previous = 0.0
    for k, t in enumerate(steps, start=1):
        cum = model.expected_purchases(t, frequency, recency, T)
        total += (cum - previous) / (1 + discount_rate) ** k
        previous = cum
    return total * np.asarray(spend, dtype=float) * margin
