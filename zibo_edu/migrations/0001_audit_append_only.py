"""The audit trail (targets_figurechange) is append-only in the database too (PostgreSQL).

- UPDATE is refused, except the one Django itself makes when a user is deleted
  (changed_by → NULL, on_delete=SET_NULL).
- DELETE is refused at commit for any row whose figure still exists: a deferred constraint
  trigger, so deleting a whole figure (its rows go with it in the same transaction) still works,
  but deleting audit rows of a figure that stays is rolled back.

Lives in the project app so that it does not collide with the targets app's own migrations.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION zibo_figurechange_no_update() RETURNS trigger AS $$
BEGIN
    IF (to_jsonb(NEW) - 'changed_by_id') IS DISTINCT FROM (to_jsonb(OLD) - 'changed_by_id')
       OR NEW.changed_by_id IS NOT NULL AND NEW.changed_by_id IS DISTINCT FROM OLD.changed_by_id
    THEN
        RAISE EXCEPTION 'the audit trail is append-only: figure change % cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER zibo_figurechange_no_update BEFORE UPDATE ON targets_figurechange
    FOR EACH ROW EXECUTE FUNCTION zibo_figurechange_no_update();

CREATE FUNCTION zibo_figurechange_no_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM targets_figure WHERE id = OLD.figure_id) THEN
        RAISE EXCEPTION 'the audit trail is append-only: figure change % cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER zibo_figurechange_no_delete AFTER DELETE ON targets_figurechange
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION zibo_figurechange_no_delete();
"""

DROP = """
DROP TRIGGER IF EXISTS zibo_figurechange_no_delete ON targets_figurechange;
DROP FUNCTION IF EXISTS zibo_figurechange_no_delete();
DROP TRIGGER IF EXISTS zibo_figurechange_no_update ON targets_figurechange;
DROP FUNCTION IF EXISTS zibo_figurechange_no_update();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no parameters: the '%' in RAISE are PL/pgSQL's


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("targets", "0007_standing_lagging")]

    operations = [migrations.RunPython(forwards, backwards)]
