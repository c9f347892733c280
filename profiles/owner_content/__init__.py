"""What an owner says about themselves on their record: a bio, links, keywords, pinned works.

models (the rows and their database rules), services (the one write path for each change),
queries (what the profile page reads), forms and views (the owner's edit page).
"""
