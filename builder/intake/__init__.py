"""The way in: a draft source from a document, questions from a spreadsheet, and how close a draft comes."""
