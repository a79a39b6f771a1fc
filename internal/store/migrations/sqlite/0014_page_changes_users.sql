-- The API's claim list carries the assignee's name and e-mail, so a change
-- to them is a change to every cached list (article 0 in page_changes).
CREATE TRIGGER users_page_update AFTER UPDATE OF name, email ON users
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email BEGIN
  INSERT INTO page_changes (article_id) VALUES (0);
END;
