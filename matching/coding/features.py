"""The features the combiner scores a (query, candidate unit group) pair with.

Every feature is a number a person can read: whether a name matched exactly, how much of the
text a known name covers, the best typo-tolerant name similarity, the best embedding similarity
to the group's names and to its definition and tasks, and how far each is from the best
candidate's. The combiner (``combiner.py``) weighs them; nothing else decides the ranking.
"""
from __future__ import annotations

FEATURES = (
    "exact",  # a whole query variant is a name of the group (1/number of groups sharing it)
    "exact_alias",  # ... and that name is one of our multilingual aliases
    "span",  # share of the query's words covered by a name of the group
    "fuzzy",  # best character-n-gram + edit-distance similarity to a name of the group
    "fuzzy_margin",  # fuzzy minus the best candidate's fuzzy
    "dense_name",  # best cosine between the query and a name of the group
    "dense_name_margin",
    "dense_full",  # best cosine between the text as written (all of it) and a name of the group
    "dense_density",  # soft maximum over all the group's names: many close names count more than one
    "dense_desc",  # best cosine between the query and the group's definition or a task
    "dense_desc_margin",
    "dense_context",  # best cosine of title + description to the group's labels; 0 without a description the model reads
    "dense_rank",  # 1 / rank of the group by dense_name
    "fuzzy_rank",  # 1 / rank of the group by fuzzy
    "latin",  # the query is written in Latin script (embeddings are reliable there)
    "manager_unmarked",  # the group is a manager's (ISCO major group 1) but the text names no rank (rank.py)
)
