"""The question bank and the Child's Menu, as data (see bank.py for the schema)."""

from voice_app.questions.bank import Choice, Question, QuestionBank, load_bank

__all__ = ["Choice", "Question", "QuestionBank", "load_bank"]
