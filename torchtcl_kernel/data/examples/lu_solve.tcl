# No factorization needed: an upper triangular matrix is its own LU factor with pivots 1 2 3,
# which here leaves L the identity; solve A x = b with it.
set lu [torch::tensor_create {{2.0 1.0 0.0} {0.0 4.0 1.0} {0.0 0.0 5.0}}]
set pivots [torch::tensor_create {1 2 3} int32]
set b [torch::tensor_create {3.0 5.0 5.0} {3 1}]
puts [torch::tensor_print [torch::lu_solve $b $lu $pivots]]
