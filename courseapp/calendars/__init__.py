"""Calendars as instructors keep them: dates written by people, terms of class days, imports.

Plain functions, no Django: easy to test with many inputs.
"""
