"""Forecast a daily series (assisted purchases, their revenue) over the next days, with an
interval, and say how well the same method did on the last days it could have predicted.

Exponential smoothing (statsmodels' ETS, with a weekly season once there are four weeks of
history); with under two weeks of history, the mean day with a normal interval."""

import math
import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

MIN_ETS_DAYS = 14
SEASON_DAYS = 28  # four weeks: enough to learn a weekly pattern
SIMULATIONS = 400
Z90 = 1.6449  # a 90% interval


@dataclass
class Forecast:
    days: int
    expected: float
    low: float
    high: float
    method: str


@dataclass
class Backtest:
    days: int
    predicted: float
    actual: float
    low: float
    high: float

    @property
    def error(self) -> float:
        return self.predicted - self.actual

    @property
    def percent_error(self) -> float | None:
        return None if self.actual == 0 else round(100 * abs(self.error) / self.actual, 1)

    @property
    def held(self) -> bool:
        return self.low <= self.actual <= self.high


def forecast(history: list[float], days: int, seed: int = 0) -> Forecast:
    """The total over the next `days` days, with a 90% interval."""
    series = np.asarray(history, dtype=float)
    if len(series) == 0:
        return Forecast(days, 0.0, 0.0, 0.0, "no history")
    if len(series) < MIN_ETS_DAYS or not series.any():
        mean, spread = float(series.mean()), float(series.std(ddof=1)) if len(series) > 1 else 0.0
        half = Z90 * spread * math.sqrt(days)
        total = mean * days
        return Forecast(
            days,
            round(total, 2),
            round(max(0.0, total - half), 2),
            round(total + half, 2),
            "mean day",
        )
    seasonal = len(series) >= SEASON_DAYS
    model = ETSModel(
        series + 1e-6, error="add", trend=None, seasonal="add" if seasonal else None,
        seasonal_periods=7 if seasonal else None,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short, noisy series
        fitted = model.fit(disp=False)
        paths = fitted.simulate(
            days, repetitions=SIMULATIONS, anchor="end", rng=np.random.default_rng(seed)
        )
    totals = np.clip(np.asarray(paths), 0, None).sum(axis=0)
    expected = float(np.clip(fitted.forecast(days), 0, None).sum())
    low, high = np.percentile(totals, [5, 95])
    method = "exponential smoothing" + (", weekly season" if seasonal else "")
    return Forecast(days, round(expected, 2), round(float(low), 2), round(float(high), 2), method)


def backtest(history: list[float], days: int) -> Backtest | None:
    """Forecast the last `days` days from the days before them, and compare."""
    if len(history) < days + 7:
        return None
    past, actual = history[:-days], history[-days:]
    predicted = forecast(past, days)
    return Backtest(
        days, predicted.expected, round(float(sum(actual)), 2), predicted.low, predicted.high
    )
