# Fibonacci numbers from powers of {{1 1} {1 0}}; a power of -1 is the inverse.
set f [torch::tensor_create {{1 1} {1 0}} int64]
puts [torch::tensor_print [torch::matrix_power $f 10]]
set a [torch::tensor_create {{2.0 0.0} {0.0 4.0}}]
puts [torch::tensor_print [torch::matrix_power -input $a -n -1]]
