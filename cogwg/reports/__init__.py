"""Status reports for the Joint Councils: the frozen content of a report as of a date
(``content``), what changed between two reports (``diff``), its renderings (``render``),
the writes that freeze and publish it (``services``) and the Celery tasks (``tasks``)."""
