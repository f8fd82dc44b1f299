"""The course's teaching scripts (unitNN_<topic>.py, mnist_best.py).

In an installed package this folder is ``engine.examples``; ``engine units`` lists and runs the
units from here or from a source checkout's ``examples/``.
"""
