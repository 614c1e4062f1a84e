# Who follows whom (row follows column) turned into who is followed by whom.
set pairs [torch::tensor_create {{0 0 2} {1 2 1}} int64]
set follows [torch::sparse_coo_tensor $pairs [torch::tensor_create {1.0 1.0 1.0}] {3 3}]
set followed [torch::sparse_transpose -tensor $follows -dim0 0 -dim1 1]
puts [torch::tensor_print [torch::sparse_to_dense $followed]]
