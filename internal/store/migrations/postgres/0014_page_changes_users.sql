-- The API's claim list carries the assignee's name and e-mail, so a change
-- to them is a change to every cached list (article 0 in page_changes).
CREATE TRIGGER users_page_change AFTER UPDATE OF name, email ON users FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
  EXECUTE FUNCTION names_page_change();
