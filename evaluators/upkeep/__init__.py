"""Upkeep: the daily rollups that KPIs and reports read (`rollup`, `rollup_merge`,
`user_sketch`), and retention, which deletes raw records only once they are rolled up.
"""
