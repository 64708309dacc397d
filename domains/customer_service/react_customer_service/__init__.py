"""ReAct Core domain plugin: a bank's customer-service assistant (Harbor Bank, a demo bank).

Banking77 intent detection with out-of-scope refusal, a FAQ written for this project, and
account tools on a seeded SQLite database. ``react_customer_service.spec.SPEC`` is the domain.
"""

__version__ = "0.1.0"
