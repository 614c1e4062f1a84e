# Price times quantity, summed: 2*3 + 5*1 + 1.5*4 = 17.
set price [torch::tensor_create {2.0 5.0 1.5}]
set qty [torch::tensor_create {3.0 1.0 4.0}]
puts "total: [torch::tensor_item [torch::dot $price $qty]]"
