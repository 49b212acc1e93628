"""Reading lists as text: parsing instructors' lists and reading metadata off links and titles.

Plain functions with no database, so they are easy to test with many inputs; the import
service turns their result into rows.
"""
