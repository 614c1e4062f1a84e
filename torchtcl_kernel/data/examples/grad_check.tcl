# Check the gradients of a product a*b + sin(a) against finite differences (1 means they agree).
proc g {a b} { torch::tensor_add [torch::tensor_mul $a $b] [torch::sin $a] }
set a [torch::tensor_create {0.3 -1.2 2.0}]
set b [torch::tensor_create {1.5 0.7 -0.4}]
puts "gradients agree: [torch::grad_check g [list $a $b]]"
