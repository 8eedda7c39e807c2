"""The member's own page and ``GET /api/v1/me`` (design §1, role ``member``; issue 15 items 4
and 5). A page that composes several apps — the member's record, their attendance and the
cell's calendar, the cell's tasks, the documents to study — so it sits at the top of the
layers, above members, meetings and briefings."""
