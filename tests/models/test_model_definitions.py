from tortoise import Tortoise


def test_no_table_comment_holds_a_semicolon(database_url):
    # tortoise's SQLite migration runner splits statements on ";", and a model docstring
    # becomes the table comment: a semicolon there breaks `kabinet migrate` on SQLite.
    for model in Tortoise.apps["kabinet"].values():
        assert ";" not in (model._meta.table_description or ""), model.__name__
