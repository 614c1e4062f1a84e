# One answer for the whole tensor: 1 when every element is close, else 0.
set a [torch::tensor_create {1.0 2.0 3.0}]
set b [torch::tensor_create {1.0 2.0 3.001}]
puts "default tolerances: [torch::allclose $a $b]"
puts "atol 0.01: [torch::allclose -input $a -other $b -atol 0.01]"
