"""The matching engine: one ranking for every search box and "you should talk to" panel.

The ranking core (text, lexical, vectors, embedding, engine, partners and the two evaluation
commands) imports no Django, so it is tested and benchmarked as plain Python; the Django glue
(documents, index, domain, tasks, views) sits at the edge and feeds it records.
"""
