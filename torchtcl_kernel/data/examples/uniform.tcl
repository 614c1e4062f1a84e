# Uniform noise between -0.5 and 0.5.
torch::manual_seed 12
set u [torch::uniform -size {1000} -low -0.5 -high 0.5]
puts "min [format %.3f [torch::tensor_item [torch::tensor_min $u]]], max [format %.3f [torch::tensor_item [torch::tensor_max $u]]]"
