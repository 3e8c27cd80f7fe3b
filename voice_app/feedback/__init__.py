"""Parents' feedback on child protection conferences: links, answers, results (the staff blueprint is in .blueprint)."""
