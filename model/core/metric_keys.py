"""The metric keys of RECORD.md, in the order exports list them."""

OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

METRIC_KEYS: tuple[str, ...] = (
    "proactive.published_items",
    *(f"proactive.{kind}.{col}" for kind in ("regulations", "normative_documents") for col in ("issued", "repealed", "in_force")),
    "proactive.licensing.decisions", "proactive.punishment.decisions", "proactive.coercion.decisions",
    "proactive.admin_fees.wan_yuan",
    "requests.received", "requests.carried_over", "requests.granted", "requests.partially_granted", "requests.denied",
    "requests.unable_to_provide", "requests.not_processed", "requests.other_handling", "requests.completed",
    "requests.carried_forward",
    *(f"review.{o}" for o in OUTCOMES),
    *(f"litigation.direct.{o}" for o in OUTCOMES),
    *(f"litigation.after_review.{o}" for o in OUTCOMES),
    "litigation.total",
    "fees.information_processing_yuan",
)
