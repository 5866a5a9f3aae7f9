-- An example of a right value for a field with a pattern: the portal shows it under the input and in the error
-- ("Customer number must look like C-123456"), since a customer cannot read a regular expression.
ALTER TABLE identity_fields ADD COLUMN example TEXT NOT NULL DEFAULT '';
