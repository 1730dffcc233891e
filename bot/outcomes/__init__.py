"""Outcomes across patients, for clinicians: figures per clinic and area, their charts, the CSV export.

``queries`` computes every figure in SQL (the same on SQLite and PostgreSQL,
``sql``), ``figures`` lays them out per area, ``chart`` draws them,
``export_tables`` and ``export`` write the pseudonymous CSV files. The
console page (``bot.web.console.views_outcomes``) and the command line
(``bot.cli.outcomes_cmds``) are its two surfaces. It only reads what other
features wrote (check-ins, sessions, alerts), through the tables in
``bot.core.models``, plus the check-in kinds and states of ``bot.checkins``.
"""
