"""Reports in the manager: the ``reports`` package's report over any sites, terminals and period."""
