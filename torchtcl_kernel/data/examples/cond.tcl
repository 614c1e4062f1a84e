# A diagonal matrix's 2-norm condition number is its largest over its smallest entry: 8 / 0.5.
set m [torch::tensor_create {{8.0 0.0} {0.0 0.5}}]
puts "2-norm: [torch::tensor_item [torch::cond $m]]"
puts "1-norm: [torch::tensor_item [torch::cond $m 1]]"
puts "Frobenius: [torch::tensor_item [torch::cond -input $m -p fro]]"
