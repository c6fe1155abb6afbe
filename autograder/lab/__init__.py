"""The week-12 lab: the lecture's steps as checkable exercises.

`checks` holds the value checks that the lab notebook's test cells call. They take plain data
(arrays, numbers, shape tuples) so that the same functions can grade answers extracted from a
notebook as well as answers inside a student's own kernel.
"""
