"""Reorganizations that move people: above the tree (``orgs``) and the people (``members``).

The tree knows no people (conventions, layers), so a merge that carries members, officers and
posts to the successor, and the refusal to split or dissolve an organization that still has
people, live here, in one place, and the pages of these three operations with them
(issue 12, "no member is ever lost").
"""
