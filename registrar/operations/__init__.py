"""Operations: backup and verified restore of the database and the media folder (issue 10)."""
