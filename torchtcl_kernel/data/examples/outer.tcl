# A multiplication table: every row value times every column value.
set rows [torch::tensor_create {1 2 3} int64]
set cols [torch::tensor_create {1 10 100} int64]
puts [torch::tensor_print [torch::outer $rows $cols]]
